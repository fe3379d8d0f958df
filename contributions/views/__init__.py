"""HTTP views: one APIView per operation (citizen reads, statements, agency imports)."""
