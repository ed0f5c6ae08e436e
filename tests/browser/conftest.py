"""Registers the ``browser`` marker (tests that drive headless Chromium)."""


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives headless Chromium through the chat widget (needs chromium + node playwright-core)")
