"""The fake world and chat service the chat unit tests share."""

from __future__ import annotations

import pytest

from app.core.chat.service import ChatService
from app.core.shared.principal import Principal
from tests.builders import World, a_chat_service, a_user, a_world


@pytest.fixture
def world() -> World:
    return a_world()


@pytest.fixture
def chat(world: World) -> ChatService:
    return a_chat_service(world)


@pytest.fixture
def ann(world: World) -> Principal:
    return a_user(world, "ann")


@pytest.fixture
def bob(world: World) -> Principal:
    return a_user(world, "bob")


@pytest.fixture
def cat(world: World) -> Principal:
    return a_user(world, "cat")
