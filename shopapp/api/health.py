"""GET /api/v1/health: 200 when the database answers."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from shopapp.db import database_answers

router = APIRouter(tags=["health"])


@router.get("/health")
def health():
    if database_answers():
        return {"status": "ok"}
    return JSONResponse({"status": "unavailable"}, status_code=503)
