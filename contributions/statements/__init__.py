"""The verifiable contribution statement: its content (rows, gaps, totals, digest), the short
verification code, the signed QR token, and the PDF and CSV renderings."""
