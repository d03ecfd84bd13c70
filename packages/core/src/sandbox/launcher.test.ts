import { describe, expect, it } from "vitest";
import { sandboxUnavailable } from "./availability";
import { detectLauncher } from "./launcher";

describe("sandbox availability", () => {
  it("refuses to run generated code without bubblewrap and says how to install it", () => {
    const { plan, problem } = detectLauncher(() => null, false);
    expect(plan).toBeNull();
    expect(problem).toContain("apt-get install bubblewrap");
    const error = sandboxUnavailable(problem ?? "");
    expect(error.code).toBe("sandbox_unavailable");
    expect(error.status).toBe(503);
  });

  it("refuses under root without a pids cgroup, because root ignores RLIMIT_NPROC", () => {
    const { plan, problem } = detectLauncher(
      (name) => `/usr/bin/${name}`,
      true,
      () => null,
    );
    expect(plan).toBeNull();
    expect(problem).toMatch(/pids cgroup/);
  });

  it("needs no cgroup when the platform is not root", () => {
    const { plan } = detectLauncher(
      (name) => `/usr/bin/${name}`,
      false,
      () => null,
    );
    expect(plan).toMatchObject({ bwrap: "/usr/bin/bwrap", prlimit: "/usr/bin/prlimit", cgroupRoot: null });
  });
});
