"""Which domain errors each HTTP operation can answer with, beyond those its inputs, its caller and
its guards already imply (see ``app.api.openapi.errors``). Keyed by ``operation_id``; a test fails
for an operation missing here and for an error the app raised but its operation does not list."""

from __future__ import annotations

from app.core.accounts import errors as accounts
from app.core.chat import errors as chat
from app.core.event_directory.listing import InvalidEventQueryError
from app.core.event_directory.organizers import UnknownOrganizationsError
from app.core.expeditions import errors as expeditions
from app.core.images.model import ImageTooLargeError, NotAnImageError
from app.core.jobs.errors import JobNotFoundError
from app.core.organizations import errors as organizations
from app.core.shared.errors import (
    AccountGoneError,
    DomainError,
    DuplicateKeyError,
    InvalidInputError,
    MissingReferenceError,
    RateLimitedError,
    UnstorableValueError,
)
from app.core.shared.idempotency import InvalidIdempotencyKeyError
from app.core.ticketing import errors as ticketing

Raises = tuple[type[DomainError], ...]

_REFRESH: Raises = (
    accounts.TokenInvalidError,
    accounts.TokenExpiredError,
    accounts.TokenWrongKindError,
    accounts.TokenReusedError,
    accounts.TokenRevokedError,
)
_ADMIN: Raises = (accounts.AdminOnlyError,)
_ADMIN_CHANGE: Raises = (*_ADMIN, accounts.UserNotFoundError, accounts.LastAdminError)
_STORED_IN_BATCH: Raises = (UnstorableValueError, MissingReferenceError, DuplicateKeyError, InvalidIdempotencyKeyError)
_EXPEDITION: Raises = (expeditions.ExpeditionNotFoundError,)
_ANSWER: Raises = (
    *_EXPEDITION,
    expeditions.NotInvitedError,
    expeditions.AlreadyRespondedError,
    expeditions.ExpeditionClosedError,
)
_OWN_EVENT: Raises = (ticketing.EventNotFoundError, ticketing.NotEventOwnerError)
_RESERVATION: Raises = (ticketing.ReservationNotFoundError,)
_DOOR: Raises = (ticketing.InvalidTicketError, *_OWN_EVENT)
_ORGANIZATION_CHANGE: Raises = (organizations.OrganizationNotFoundError, organizations.NotOrganizationMemberError)
_SEAT: Raises = (chat.ChatNotFoundError, chat.NotAMemberError)
_TEXT: Raises = (chat.EmptyMessageError, chat.MessageTooLongError)
_MESSAGE: Raises = (chat.MessageNotFoundError, chat.MessageDeletedError)

RAISES: dict[str, Raises] = {
    "Health": (),
    "Ready": (),
    # accounts
    "RegisterUser": (
        accounts.InvalidEmailError,
        accounts.InvalidPhoneError,
        accounts.WeakPasswordError,
        accounts.InvalidRoleError,
        accounts.EmailTakenError,
        accounts.UsernameTakenError,
    ),
    "ActivateUser": (accounts.ActivationInvalidError,),
    "ObtainToken": (accounts.InvalidCredentialsError, accounts.InactiveAccountError, RateLimitedError),
    "RefreshToken": (*_REFRESH, AccountGoneError, accounts.InactiveAccountError),
    "RevokeToken": _REFRESH,
    "GetProfile": (),
    "UpdateProfile": (
        accounts.CurrentPasswordRequiredError,
        accounts.WrongCurrentPasswordError,
        accounts.WeakPasswordError,
        accounts.InvalidPhoneError,
        accounts.UsernameTakenError,
        RateLimitedError,
    ),
    "ListUsers": _ADMIN,
    "FindPeople": (),
    "DeleteUser": _ADMIN_CHANGE,
    "SetUserActive": _ADMIN_CHANGE,
    "SetUserRoles": (*_ADMIN_CHANGE, accounts.InvalidRoleError),
    # expeditions
    "ListExpeditions": (),
    "CreateExpedition": (expeditions.ChiefRoleRequiredError, InvalidInputError),
    "GetExpedition": _EXPEDITION,
    "ListExpeditionMembers": _EXPEDITION,
    "ChangeExpeditionStatus": (
        *_EXPEDITION,
        expeditions.NotChiefError,
        expeditions.InvalidTransitionError,
        expeditions.TooEarlyError,
        expeditions.NotEnoughMembersError,
        expeditions.OverCapacityError,
        expeditions.MemberBusyError,
    ),
    "InviteMember": (
        *_EXPEDITION,
        expeditions.NotChiefError,
        expeditions.AlreadyInvitedError,
        expeditions.ChiefNotInvitableError,
        expeditions.ExpeditionClosedError,
        accounts.UserNotFoundError,
    ),
    "ConfirmParticipation": (*_ANSWER, expeditions.OverCapacityError),
    "DeclineInvitation": _ANSWER,
    # events
    "ListEvents": (InvalidEventQueryError,),
    "CreateEvent": (ticketing.OrganizerOnlyError, ticketing.InvalidEventError, UnknownOrganizationsError),
    "GetEvent": (ticketing.EventNotFoundError,),
    "UpdateEvent": (
        *_OWN_EVENT,
        ticketing.EventNotEditableError,
        ticketing.CapacityBelowConfirmedError,
        ticketing.InvalidEventError,
        UnknownOrganizationsError,
    ),
    "GetEventMetrics": (ticketing.EventNotFoundError,),
    "PublishEvent": (*_OWN_EVENT, ticketing.InvalidTransitionError),
    "CancelEvent": (*_OWN_EVENT, ticketing.InvalidTransitionError),
    "PutEventImage": (*_OWN_EVENT, ticketing.EventNotEditableError, NotAnImageError, ImageTooLargeError),
    "ListOwnEvents": (ticketing.OrganizerOnlyError,),
    # reservations and the door
    "Reserve": (
        ticketing.EventNotFoundError,
        ticketing.EventNotOpenError,
        ticketing.AlreadyReservedError,
        AccountGoneError,
        *_STORED_IN_BATCH,
    ),
    "ListEventReservations": _OWN_EVENT,
    "ListMyReservations": (),
    "GetReservation": _RESERVATION,
    "CancelReservation": (*_RESERVATION, ticketing.ReservationClosedError, ticketing.AlreadyCheckedInError),
    "ConfirmReservation": (*_RESERVATION, ticketing.EventFullError, ticketing.NotPendingError),
    "RejectReservation": (*_RESERVATION, ticketing.NotPendingError),
    "DownloadTicket": (*_RESERVATION, ticketing.NotConfirmedError),
    "InspectTicket": _DOOR,
    "CheckIn": (*_DOOR, ticketing.AlreadyCheckedInError, ticketing.NotConfirmedError),
    # organizations and jobs
    "ListOrganizations": (),
    "CreateOrganization": (organizations.InvalidOrganizationError, organizations.UnknownUsersError),
    "GetOrganization": (organizations.OrganizationNotFoundError,),
    "AddOrganizationMember": (
        *_ORGANIZATION_CHANGE,
        organizations.AlreadyMemberError,
        accounts.UserNotFoundError,
    ),
    "RemoveOrganizationMember": (
        *_ORGANIZATION_CHANGE,
        organizations.MemberNotFoundError,
        organizations.LastMemberError,
    ),
    "GetJob": (JobNotFoundError,),
    # chat
    "CreateChat": (
        chat.ChatWithSelfError,
        chat.ChatUserNotFoundError,
        chat.InvalidChatError,
        chat.RoomNameTakenError,
        chat.PrivateChatExistsError,
    ),
    "ListChats": (),
    "GetChat": _SEAT,
    "AddChatMember": (
        *_SEAT,
        chat.NotChatAdminError,
        chat.NotAGroupError,
        chat.AlreadyMemberError,
        chat.ChatUserNotFoundError,
    ),
    "RemoveChatMember": (
        *_SEAT,
        chat.NotChatAdminError,
        chat.NotAGroupError,
        chat.CannotLeavePrivateChatError,
        chat.ChatUserNotFoundError,
    ),
    "ListRooms": (),
    "JoinRoom": (chat.ChatNotFoundError, chat.NotARoomError, chat.WrongPasswordError, chat.AlreadyMemberError),
    "ListMessages": _SEAT,
    "PostMessage": (*_SEAT, *_TEXT, chat.InvalidReplyError, *_STORED_IN_BATCH),
    "ListPins": _SEAT,
    "MarkRead": (*_SEAT, chat.InvalidReadMarkerError),
    "EditMessage": (*_MESSAGE, chat.NotMessageAuthorError, *_TEXT),
    "DeleteMessage": (*_MESSAGE, chat.CannotDeleteMessageError),
    "ForwardMessage": (*_MESSAGE, *_SEAT),
    "PinMessage": (*_MESSAGE, chat.NotChatAdminError),
    "UnpinMessage": (*_MESSAGE, chat.NotChatAdminError),
    "SearchMessages": _SEAT,
}
