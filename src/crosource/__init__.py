"""crosource: a sponsor's workbench for clinical-development outsourcing."""

__version__ = "0.1.0"
