"""The service layer: what the CLI, the web pages and the API all call.

Each function takes domain objects (or a database session and ids) and returns plain results;
none of them knows about HTTP, terminals or files given by a user.
"""
