import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, startTestApp, type TestApp } from "@samokoder/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const deploy = join(REPO_ROOT, "deploy");
const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: deploy, encoding: "utf8", stdio: "pipe" });

/** Metric names (not recording rules, which contain ':') referenced by a PromQL-bearing text. */
function referencedMetrics(text: string): string[] {
  return [...new Set([...text.matchAll(/\b(samokoder_[a-z0-9_]+)/g)].map((m) => m[1] as string))];
}

describe("deploy/: Prometheus rules, Alertmanager config and Grafana dashboards", () => {
  let t: TestApp;
  let scratch: string;
  beforeAll(async () => {
    t = await startTestApp("pglite");
    scratch = mkdtempSync(join(tmpdir(), "samokoder-deploy-"));
  });
  afterAll(async () => {
    await t.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("rules pass promtool's check and their unit tests (alerts fire on a fast burn, stay quiet when healthy)", () => {
    expect(run("promtool", ["check", "rules", "prometheus/rules/samokoder.rules.yml"])).toContain("SUCCESS");
    expect(run("promtool", ["test", "rules", "prometheus/rules/samokoder.rules.test.yml"])).toContain("SUCCESS");
  });

  it("the Prometheus and Alertmanager configurations are valid", () => {
    const tokenFile = join(scratch, "token");
    writeFileSync(tokenFile, "metrics-token");
    const config = readFileSync(join(deploy, "prometheus/prometheus.yml"), "utf8")
      .replace("/etc/prometheus/samokoder-metrics-token", tokenFile)
      .replace("rules/samokoder.rules.yml", join(deploy, "prometheus/rules/samokoder.rules.yml"));
    writeFileSync(join(scratch, "prometheus.yml"), config);
    expect(run("promtool", ["check", "config", join(scratch, "prometheus.yml")])).toContain("SUCCESS");
    expect(run("amtool", ["check-config", "alertmanager/alertmanager.yml"])).toContain("SUCCESS");
  });

  it("every metric the rules and dashboards use is exported by the platform", async () => {
    const dashboard = readFileSync(join(deploy, "grafana/dashboards/samokoder-overview.json"), "utf8");
    const parsed = JSON.parse(dashboard) as { panels: Array<{ targets: Array<{ expr: string }> }> };
    expect(parsed.panels.length).toBeGreaterThan(4);
    const rules = readFileSync(join(deploy, "prometheus/rules/samokoder.rules.yml"), "utf8");
    const used = referencedMetrics(`${rules}\n${parsed.panels.flatMap((p) => p.targets.map((x) => x.expr)).join("\n")}`);
    const exposition = (await t.app.inject({ method: "GET", url: "/metrics" })).body;
    const exported = new Set([...exposition.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]));
    // Histograms are referenced through their _bucket series.
    const missing = used.filter((name) => !exported.has(name) && !exported.has(name.replace(/_(bucket|sum|count)$/, "")));
    expect(missing).toEqual([]);
  });
});
