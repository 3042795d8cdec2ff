#!/usr/bin/python3
"""Not written yet."""
