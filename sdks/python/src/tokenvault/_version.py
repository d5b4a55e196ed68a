"""The SDK's version: its major is the API major the server accepts (X-Tokenvault-SDK-Version)."""

__version__ = "1.0.0"
