"""Renderers: terminal tables, HTML reports. They only render results; they decide nothing."""
