"""Data protection: subject access export, erasure, retention, consents, encryption at rest, log redaction."""
