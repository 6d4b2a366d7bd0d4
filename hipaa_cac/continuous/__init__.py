"""`hipaa-cac run`: collect what is due, evaluate, record, notify (cycle.py),
once for cron or CI schedules, or repeatedly with --watch (cli/run.py)."""
