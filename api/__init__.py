"""Interfaces people use: the grants command line and the HTTP API."""
