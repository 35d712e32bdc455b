// Returns who is calling: the mini program's user (OPENID) and app, as WeChat passes them.
const cloud = require('wx-server-sdk');

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

exports.main = async () => {
  const { OPENID, APPID, UNIONID, ENV } = cloud.getWXContext();
  return { openid: OPENID, appid: APPID, unionid: UNIONID, env: ENV };
};
