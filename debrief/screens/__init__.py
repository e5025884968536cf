"""Screens: one module each; they compose widgets and talk to the core through the app's store."""
