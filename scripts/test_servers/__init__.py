"""Real servers for ritme's tests, on free loopback ports: Kannel (bearerbox, smsbox and
the fake SMS centre), an aiosmtpd SMTP server, and a stand-in for HTTP SMS providers.
Each module has start(directory, ...) -> dict and the state is kept in
DIRECTORY/NAME.json, so `scripts/test-servers stop NAME DIRECTORY` stops them by pid."""
