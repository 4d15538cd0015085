"""Durable background jobs: the SQL jobs table (embedded default) and SAQ (production option)."""
