// The caller's to-do list: { action: 'list' | 'add' | 'toggle' | 'remove', ... }.
const cloud = require('wx-server-sdk');

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
const db = cloud.database();
const todos = db.collection('todos');

exports.main = async (event) => {
  const { OPENID } = cloud.getWXContext();
  switch (event.action) {
    case 'list': {
      const pageSize = Math.min(Number(event.pageSize) || 20, 100);
      const page = Math.max(Number(event.page) || 0, 0);
      const { data } = await todos
        .where({ _openid: OPENID })
        .orderBy('createdAt', 'desc')
        .skip(page * pageSize)
        .limit(pageSize)
        .get();
      const { total } = await todos.where({ _openid: OPENID }).count();
      return { items: data, total };
    }
    case 'add': {
      const title = String(event.title || '').trim();
      if (!title) return { error: 'title is required' };
      const { _id } = await todos.add({
        data: { _openid: OPENID, title, done: false, priority: 2, tags: [], createdAt: db.serverDate() },
      });
      return { _id };
    }
    case 'toggle': {
      const { data } = await todos.doc(event.id).get();
      if (data._openid !== OPENID) return { error: 'not your to-do' };
      await todos.doc(event.id).update({ data: { done: !data.done } });
      return { _id: event.id, done: !data.done };
    }
    case 'remove': {
      const { stats } = await todos.where({ _id: event.id, _openid: OPENID }).remove();
      return { removed: stats.removed };
    }
    default:
      return { error: `unknown action: ${event.action}` };
  }
};
