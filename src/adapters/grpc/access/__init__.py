"""Who may call the gRPC API: authentication, the method-to-role table, app scope and the audit log."""
