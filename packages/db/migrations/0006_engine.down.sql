-- Reverts 0006_engine.
DROP TABLE IF EXISTS run_messages;
DROP TABLE IF EXISTS run_tasks;
DROP TABLE IF EXISTS run_questions;
DROP TABLE IF EXISTS run_events;
DROP TABLE IF EXISTS run_steps;
DROP TABLE IF EXISTS runs;
