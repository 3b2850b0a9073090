"""Operator tools: doctor (are the services answering?), backup and restore."""
