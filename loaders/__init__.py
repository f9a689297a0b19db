"""Readers of directory files (CSV, XLSX, YAML/JSON): they only read."""
