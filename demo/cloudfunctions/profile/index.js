// The caller's profile: asks `login` who is calling (cloud.callFunction passes the caller on),
// records the visit in `users`, and returns the profile with this function's own getWXContext().
const cloud = require('wx-server-sdk');

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
const db = cloud.database();
const _ = db.command;

exports.main = async (event) => {
  const { result: caller } = await cloud.callFunction({ name: 'login' });
  const users = db.collection('users');
  const { data } = await users.where({ _openid: caller.openid }).limit(1).get();
  let userId;
  if (data.length > 0) {
    userId = data[0]._id;
    await users.doc(userId).update({ data: { visits: _.inc(1), lastSeenAt: db.serverDate() } });
  } else {
    const nickName = String(event.nickName || 'New user').slice(0, 40);
    ({ _id: userId } = await users.add({
      data: { _openid: caller.openid, nickName, vip: false, visits: 1, createdAt: db.serverDate(), lastSeenAt: db.serverDate() },
    }));
  }
  const { data: profile } = await users.doc(userId).get();
  return { profile, caller, wxContext: cloud.getWXContext() };
};
