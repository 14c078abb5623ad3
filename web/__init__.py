"""Web pages for applicants, reviewers and fund managers: server-rendered, no JavaScript needed."""
