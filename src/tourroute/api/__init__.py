"""HTTP plumbing shared by every router: paging cursors, ETags, content negotiation."""
