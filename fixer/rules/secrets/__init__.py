"""DF2xx: secrets — credentials in ARG and ENV values, secret files copied into the image."""
