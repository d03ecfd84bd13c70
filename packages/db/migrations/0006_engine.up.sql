-- Generation engine: durable runs (state machine + lease), steps, events, questions, plan tasks and user messages.
CREATE TABLE runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('build', 'change')),
  instruction text,
  autonomy text NOT NULL DEFAULT 'ask' CHECK (autonomy IN ('ask', 'auto')),
  model text,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'paused', 'completed', 'failed', 'cancelled')),
  stage text NOT NULL DEFAULT 'spec',
  step_seq integer NOT NULL DEFAULT 0,
  event_seq bigint NOT NULL DEFAULT 0,
  state jsonb NOT NULL DEFAULT '{}'::jsonb,
  current_task_id uuid,
  error text,
  lease_owner text,
  lease_expires_at timestamptz,
  cancel_requested boolean NOT NULL DEFAULT false,
  input_tokens bigint NOT NULL DEFAULT 0,
  output_tokens bigint NOT NULL DEFAULT 0,
  cost_usd double precision NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX ix_runs_project_created ON runs (project_id, created_at);
CREATE UNIQUE INDEX uq_runs_one_active_per_project ON runs (project_id) WHERE status IN ('queued', 'running', 'paused');
CREATE INDEX ix_runs_lease ON runs (status, lease_expires_at);

CREATE TABLE run_steps (
  id bigserial PRIMARY KEY,
  run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  stage text NOT NULL,
  kind text NOT NULL,
  task_id uuid,
  result jsonb NOT NULL DEFAULT '{}'::jsonb,
  input_tokens integer NOT NULL DEFAULT 0,
  output_tokens integer NOT NULL DEFAULT 0,
  cost_usd double precision NOT NULL DEFAULT 0,
  duration_ms integer NOT NULL DEFAULT 0,
  model_ms integer NOT NULL DEFAULT 0,
  command_ms integer NOT NULL DEFAULT 0,
  checkpoint text,
  worker text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX uq_run_steps_run_seq ON run_steps (run_id, seq);

CREATE TABLE run_events (
  id bigserial PRIMARY KEY,
  run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq bigint NOT NULL,
  type text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX uq_run_events_run_seq ON run_events (run_id, seq);

CREATE TABLE run_questions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  stage text NOT NULL,
  task_id uuid,
  question text NOT NULL,
  options jsonb NOT NULL DEFAULT '[]'::jsonb,
  recommended text,
  answer text,
  answered_by text CHECK (answered_by IN ('user', 'auto')),
  answered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_run_questions_run ON run_questions (run_id, created_at);

CREATE TABLE run_tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  position integer NOT NULL,
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  acceptance jsonb NOT NULL DEFAULT '[]'::jsonb,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'in_progress', 'done', 'skipped', 'failed')),
  summary text,
  attempts integer NOT NULL DEFAULT 0,
  cost_usd double precision NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_run_tasks_run_position ON run_tasks (run_id, position);

CREATE TABLE run_messages (
  id bigserial PRIMARY KEY,
  run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  kind text NOT NULL DEFAULT 'message' CHECK (kind IN ('message', 'spec')),
  text text NOT NULL,
  consumed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_run_messages_run ON run_messages (run_id, id);
