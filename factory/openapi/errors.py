"""Errors of the OpenAPI compiler.

OpenApiError
└── CompileError   the document cannot become an environment (says why and what to fix)
"""

from __future__ import annotations


class OpenApiError(Exception):
    """Base of the OpenAPI compiler's errors."""


class CompileError(OpenApiError, ValueError):
    """A document cannot be compiled: unreadable, not OpenAPI/Swagger, or nothing to simulate."""
