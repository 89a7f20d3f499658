"""Months, lines (线路), territories and scale-out, built on :mod:`routing`.

This package may import ``routing``; ``routing`` never imports it.
"""
