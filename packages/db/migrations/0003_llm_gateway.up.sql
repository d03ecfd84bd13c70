-- LLM gateway: encrypted provider keys (BYOK), per-user model routing, the usage ledger and budget counters.
CREATE TABLE provider_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  provider text NOT NULL CHECK (provider IN ('openai', 'anthropic', 'groq', 'openrouter', 'openai-compatible')),
  label text,
  base_url text,
  encryption_key_id text NOT NULL,
  ciphertext text NOT NULL,
  last4 text NOT NULL,
  status text NOT NULL DEFAULT 'unchecked' CHECK (status IN ('unchecked', 'ok', 'invalid', 'unreachable')),
  status_detail text,
  checked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_provider_keys_user_provider ON provider_keys (user_id, provider, created_at);
CREATE INDEX ix_provider_keys_encryption_key ON provider_keys (encryption_key_id);

CREATE TABLE user_model_settings (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Append-only: one row per provider call (or refused call), written before the result is used.
-- project/run/key ids carry no foreign key so that usage history outlives deleted projects and keys.
CREATE TABLE usage_ledger (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  project_id uuid,
  run_id uuid,
  agent_role text NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  key_id uuid,
  key_source text NOT NULL CHECK (key_source IN ('user', 'operator', 'local')),
  input_tokens integer NOT NULL DEFAULT 0,
  output_tokens integer NOT NULL DEFAULT 0,
  cached_input_tokens integer NOT NULL DEFAULT 0,
  cost_usd numeric(14, 6) NOT NULL DEFAULT 0,
  latency_ms integer NOT NULL DEFAULT 0,
  ttft_ms integer,
  outcome text NOT NULL,
  retries integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_usage_ledger_user_time ON usage_ledger (user_id, created_at);
CREATE INDEX ix_usage_ledger_time ON usage_ledger (created_at);
CREATE INDEX ix_usage_ledger_project ON usage_ledger (project_id, created_at);

-- Running totals that budgets are checked against, locked with SELECT ... FOR UPDATE so concurrent
-- calls serialise on them. `reserved_*` holds the estimates of calls in flight; they stop counting after
-- `reserved_until` (longer than any call can last), so a process that dies mid-call cannot leak quota.
CREATE TABLE llm_budget_counters (
  scope text NOT NULL CHECK (scope IN ('user_month', 'project', 'run')),
  scope_id text NOT NULL,
  used_tokens bigint NOT NULL DEFAULT 0,
  used_cost_usd numeric(14, 6) NOT NULL DEFAULT 0,
  reserved_tokens bigint NOT NULL DEFAULT 0,
  reserved_cost_usd numeric(14, 6) NOT NULL DEFAULT 0,
  reserved_until timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, scope_id)
);
