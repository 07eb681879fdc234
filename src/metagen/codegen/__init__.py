"""Codegen: assembles the standalone package from runtime sources and glue templates."""
