-- Reverts 0003_llm_gateway.
DROP TABLE IF EXISTS llm_budget_counters;
DROP TABLE IF EXISTS usage_ledger;
DROP TABLE IF EXISTS user_model_settings;
DROP TABLE IF EXISTS provider_keys;
