"""Regulars' retention package: from a sales log to the numbers that say whether
customers come back. Plain Python and pandas; no Streamlit import anywhere here."""
