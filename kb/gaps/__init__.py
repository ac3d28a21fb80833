"""Gaps from tickets: import a helpdesk export, link tickets to articles, find topics."""
