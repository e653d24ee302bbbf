"""Your texts: upload files, build their statement table for this visitor only, and explore it on every page."""

import streamlit as st

from rhetoric_shift import ui
from rhetoric_shift.ui import upload

ui.context()  # this page works on the upload, not on the filtered rows

st.title("Your texts")
st.markdown(
    "Upload your own texts to build a statement table from them. It is kept in this browser tab's session "
    "only (nobody else sees it) and is gone when you leave; download it to keep it."
)
submitted = upload.form()
if submitted is not None:
    upload.build(*submitted)
current = st.session_state.get(upload.UPLOAD_KEY)
if current is not None:
    upload.show(current)
else:
    st.caption("The pages show the bundled corpus until you build a table here.")
