"""`kb/gaps`: gaps from tickets in the MkDocs build (reports) and kb serve (banners)."""
