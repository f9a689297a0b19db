"""Relais domain: the partner directory's model, reference data, stores and analyses."""
