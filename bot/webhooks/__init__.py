"""Nexudus webhooks: the receiver of its pushes, their registration and their health."""
