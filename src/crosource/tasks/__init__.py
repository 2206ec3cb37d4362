"""Background work, out of the web application: one interface (`backend.JobBackend`) with two
backends, threads of the web process for the embedded SQLite default and a procrastinate queue
on PostgreSQL run by `crosource worker` processes. Nothing here imports the web application.
"""
