"""Local emulators of Slack's Web API and the Nexudus API, for ``demo``, tests and benchmarks.

They run real HTTP servers on loopback (port 0) and behave as ``../shared/reference``
documents the real services, including their failure modes, which tests switch on.
"""
