"""The fake world and chat service the chat unit tests share."""

from __future__ import annotations

import pytest

from app.core.chat.service import ChatService
from tests.builders import World, a_chat_service, a_world


@pytest.fixture
def world() -> World:
    return a_world()


@pytest.fixture
def chat(world: World) -> ChatService:
    return a_chat_service(world)
