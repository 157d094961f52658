# The end-to-end servers show the implants answer's link, so the widget's links can be clicked.
IMPLANTS_URL = "https://www.example.org/si-joint-implants?from=chat&lang=en"
