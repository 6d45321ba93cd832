# gunicorn settings shared by deploy/Procfile and deploy/systemd/liaison-web.service:
# `gunicorn liaison.wsgi -c deploy/gunicorn.conf.py --bind …`.
# The access log goes to standard output, with tracking keys masked (residents' capabilities
# must never reach a log file).
accesslog = "-"
logger_class = "liaison.gunicorn_logging.RedactingLogger"
workers = 3
