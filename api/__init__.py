"""Relais' edges: settings, the HTTP API and the command line."""
