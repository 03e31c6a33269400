"""Check-worthy claims: sentences in (even punctuation-less) text, which to check first, and the
already fact-checked claims they resemble."""
