# One image, several roles: `liftrescue serve api|projections|relay|intake|dispatcher`.
FROM python:3.11-slim
WORKDIR /app
# PDFs (monthly reports, QR label sheets) are printed by WeasyPrint: Pango from Debian, and a
# CJK font for the Chinese (fonts-wqy-microhei); without them reports fail or print boxes.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 \
    libpangoft2-1.0-0 fonts-wqy-microhei && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY domain domain
COPY dispatch dispatch
COPY projections projections
COPY adapters adapters
RUN pip install --no-cache-dir . && useradd --system liftrescue
USER liftrescue
ENV LIFTRESCUE_HOST=0.0.0.0 LIFTRESCUE_ENVIRONMENT=production
EXPOSE 8000
ENTRYPOINT ["liftrescue"]
CMD ["serve", "api"]
