"""cnncount: exact parameter counts of convolutional networks, tied and untied biases side by side."""

__version__ = "0.1.0"
