"""TaskService: the task center over gRPC; WatchTask streams snapshots and heartbeats."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

from grpc import aio

from adapters.grpc.mappers import task_kind_from_proto, task_state_from_proto, task_to_proto, timestamp
from adapters.grpc.names import parse_app_name, parse_request_id, parse_shop_name, parse_task_name
from adapters.grpc.paging import PageTokenCodec
from domain.errors import InvalidArgument
from multichannel.v1 import task_pb2, task_pb2_grpc
from services.tasks.center import TaskHeartbeat, TaskService

MAX_HEARTBEAT = timedelta(minutes=5)


class TaskServicer(task_pb2_grpc.TaskServiceServicer):
    def __init__(self, tasks: TaskService, page_tokens: PageTokenCodec) -> None:
        self._tasks = tasks
        self._page_tokens = page_tokens

    async def ListTasks(
        self, request: task_pb2.ListTasksRequest, context: aio.ServicerContext
    ) -> task_pb2.ListTasksResponse:
        app_id = parse_app_name(request.parent, "parent")
        shop_id = None
        if request.shop:
            shop_app, shop_id = parse_shop_name(request.shop, "shop")
            if shop_app != app_id:
                raise InvalidArgument("shop", "must be a shop of the parent app")
        kind = task_kind_from_proto(request.kind)
        state = task_state_from_proto(request.state)
        paging = self._page_tokens.open(
            request.page_size,
            request.page_token,
            "ListTasks",
            request.parent,
            request.shop,
            request.kind,
            request.state,
        )
        page = await self._tasks.list_tasks(
            app_id, page_size=paging.size, after=paging.after, shop_id=shop_id, kind=kind, state=state
        )
        return task_pb2.ListTasksResponse(
            tasks=[task_to_proto(task) for task in page.items],
            next_page_token=paging.next_token(page.next_cursor),
        )

    async def GetTask(
        self, request: task_pb2.GetTaskRequest, context: aio.ServicerContext
    ) -> task_pb2.GetTaskResponse:
        task = await self._tasks.get_task(*parse_task_name(request.name))
        return task_pb2.GetTaskResponse(task=task_to_proto(task))

    async def WatchTask(
        self, request: task_pb2.WatchTaskRequest, context: aio.ServicerContext
    ) -> AsyncIterator[task_pb2.WatchTaskResponse]:
        app_id, task_id = parse_task_name(request.name)
        options = {}
        if request.HasField("heartbeat_interval"):
            interval = request.heartbeat_interval.ToTimedelta()
            if interval <= timedelta(0) or interval > MAX_HEARTBEAT:
                raise InvalidArgument("heartbeat_interval", "must be more than 0 and at most 5 minutes")
            options["heartbeat_every"] = interval
        async for event in self._tasks.watch_task(app_id, task_id, **options):
            if isinstance(event, TaskHeartbeat):
                yield task_pb2.WatchTaskResponse(heartbeat_time=timestamp(event.at))
            else:
                yield task_pb2.WatchTaskResponse(task=task_to_proto(event))

    async def CancelTask(
        self, request: task_pb2.CancelTaskRequest, context: aio.ServicerContext
    ) -> task_pb2.CancelTaskResponse:
        app_id, task_id = parse_task_name(request.name)
        task = await self._tasks.cancel_task(app_id, task_id, parse_request_id(request.request_id))
        return task_pb2.CancelTaskResponse(task=task_to_proto(task))

    async def RetryTask(
        self, request: task_pb2.RetryTaskRequest, context: aio.ServicerContext
    ) -> task_pb2.RetryTaskResponse:
        app_id, task_id = parse_task_name(request.name)
        task = await self._tasks.retry_task(app_id, task_id, parse_request_id(request.request_id))
        return task_pb2.RetryTaskResponse(task=task_to_proto(task))
