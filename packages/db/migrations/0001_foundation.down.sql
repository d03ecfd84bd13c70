DROP TABLE audit_events;
DROP TABLE projects;
DROP TABLE personal_access_tokens;
DROP TABLE login_attempts;
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE users;
