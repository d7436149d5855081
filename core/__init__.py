"""The bottom layer: settings, errors, privacy checks, Dutch text, vocabulary, places, permissions.

Imports nothing else of Koppel; everything else may import it.
"""
