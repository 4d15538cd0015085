// What the chat page's modules share: who is signed in, and the chat that is open.
export const state = {
  me: null, // {id, name, username}
  chatId: null, // the open chat
  detail: null, // GET /api/chats/{id}/ of the open chat
  socket: null, // its liveSocket
  live: false, // whether that socket is live right now
  messages: new Map(), // message id -> message, of the open chat
};

/** Where each chat lives: /#/chat/<id> survives a reload and can be shared. */
export function chatHref(chatId) {
  return `#/chat/${chatId}`;
}

/** The chat id in the address, or null. */
export function chatInAddress() {
  const match = /^#\/chat\/([1-9][0-9]{0,18})$/.exec(location.hash);
  return match ? Number(match[1]) : null;
}

/** The name of a member of the open chat. */
export function memberName(userId) {
  const member = state.detail && state.detail.members.find((m) => m.user_id === userId);
  return member ? member.name : `user ${userId}`;
}
