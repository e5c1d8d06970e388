# 通过例子学PyTorch (seed 001): one two-layer network fitted seven ways (NumPy, tensors,
# autograd, a custom autograd Function, nn, optim, a custom Module, a dynamic graph).
# Changes: seeds; 50 steps instead of 500 (the loops' count); the TensorFlow comparison left
# out; the sections follow each other in one file.
import random

import numpy as np
import torch
torch.manual_seed(0)
np.random.seed(0)
random.seed(0)
steps = 50

# 使用Numpy实现三层神经网络
# N是batch size;D_in是输入大小
# H是隐层的大小;D_out是输出大小。
N, D_in, H, D_out = 64, 1000, 100, 10

# 随机产生输入与输出
x = np.random.randn(N, D_in)
y = np.random.randn(N, D_out)

# 随机初始化参数
w1 = np.random.randn(D_in, H)
w2 = np.random.randn(H, D_out)

learning_rate = 1e-6
for t in range(steps):
    # 前向计算y
    h = x.dot(w1)
    h_relu = np.maximum(h, 0)
    y_pred = h_relu.dot(w2)

    # 计算loss
    loss = np.square(y_pred - y).sum()
    print(t, loss)

    # 反向计算梯度
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.T.dot(grad_y_pred)
    grad_h_relu = grad_y_pred.dot(w2.T)
    grad_h = grad_h_relu.copy()
    grad_h[h < 0] = 0
    grad_w1 = x.T.dot(grad_h)

    # 更新参数
    w1 -= learning_rate * grad_w1
    w2 -= learning_rate * grad_w2

# 使用Tensor来实现三层神经网络
dtype = torch.float
device = torch.device("cpu")
# device = torch.device("cuda:0") # 如果想在GPU上运算,把这行注释掉。

N, D_in, H, D_out = 64, 1000, 100, 10

x = torch.randn(N, D_in, device=device, dtype=dtype)
y = torch.randn(N, D_out, device=device, dtype=dtype)

w1 = torch.randn(D_in, H, device=device, dtype=dtype)
w2 = torch.randn(H, D_out, device=device, dtype=dtype)

learning_rate = 1e-6
for t in range(steps):
    h = x.mm(w1)
    h_relu = h.clamp(min=0) # 使用clamp(min=0)来实现ReLU
    y_pred = h_relu.mm(w2)

    loss = (y_pred - y).pow(2).sum().item()
    print(t, loss)

    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.t().mm(grad_y_pred)
    grad_h_relu = grad_y_pred.mm(w2.t())
    grad_h = grad_h_relu.clone()
    grad_h[h < 0] = 0
    grad_w1 = x.t().mm(grad_h)

    w1 -= learning_rate * grad_w1
    w2 -= learning_rate * grad_w2

# 实现autograd来实现三层神经网络
x = torch.randn(N, D_in, device=device, dtype=dtype)
y = torch.randn(N, D_out, device=device, dtype=dtype)

# 创建weight的Tensor,需要设置requires_grad=True
w1 = torch.randn(D_in, H, device=device, dtype=dtype, requires_grad=True)
w2 = torch.randn(H, D_out, device=device, dtype=dtype, requires_grad=True)

learning_rate = 1e-6
for t in range(steps):
    # Forward阶段: mm实现矩阵乘法,但是它不支持broadcasting。
    y_pred = x.mm(w1).clamp(min=0).mm(w2)

    # pow(2)实现平方计算。
    loss = (y_pred - y).pow(2).sum()
    print(t, loss.item())

    loss.backward()

    # 手动使用梯度下降更新参数。一定要把更新的代码放到torch.no_grad()里
    with torch.no_grad():
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad

        # 手动把梯度清零
        w1.grad.zero_()
        w2.grad.zero_()


# 使用自定义的ReLU函数
class MyReLU(torch.autograd.Function):
    """
    为了实现自定义的实现autograd的函数,我们需要基础torch.autograd.Function,
    然后再实现forward和backward两个函数。
    """

    @staticmethod
    def forward(ctx, input):
        """
        在forward函数,我们的输入是input,然后我们根据input计算输出。同时为了下面的backward,
        我们需要使用save_for_backward来保存用于反向计算的数据到ctx里,这里我们需要保存input。
        """
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        """
        从ctx.saved_tensors里恢复input
        然后用input计算梯度
        """
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


x = torch.randn(N, D_in, device=device, dtype=dtype)
y = torch.randn(N, D_out, device=device, dtype=dtype)

w1 = torch.randn(D_in, H, device=device, dtype=dtype, requires_grad=True)
w2 = torch.randn(H, D_out, device=device, dtype=dtype, requires_grad=True)

learning_rate = 1e-6
for t in range(steps):
    # 为了调用我们自定义的函数,我们需要使用Function.apply方法,把它命名为'relu'
    relu = MyReLU.apply

    # 我们使用自定义的ReLU来进行Forward计算
    y_pred = relu(x.mm(w1)).mm(w2)

    loss = (y_pred - y).pow(2).sum()
    print(t, loss.item())

    loss.backward()

    with torch.no_grad():
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad

        w1.grad.zero_()
        w2.grad.zero_()

# 使用nn模块来实现三层神经网络
x = torch.randn(N, D_in)
y = torch.randn(N, D_out)

# 使用nn包来定义网络。nn.Sequential是一个包含其它模块(Module)的模块。
model = torch.nn.Sequential(
    torch.nn.Linear(D_in, H),
    torch.nn.ReLU(),
    torch.nn.Linear(H, D_out),
)

# 常见的损失函数在nn包里也有,不需要我们自己实现
loss_fn = torch.nn.MSELoss(size_average=False)

learning_rate = 1e-4
for t in range(steps):
    y_pred = model(x)

    loss = loss_fn(y_pred, y)
    print(t, loss.item())

    # 梯度清空,调用Sequential对象的zero_grad后所有里面的变量都会清零梯度
    model.zero_grad()

    loss.backward()

    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad

# 使用optim包
model = torch.nn.Sequential(
    torch.nn.Linear(D_in, H),
    torch.nn.ReLU(),
    torch.nn.Linear(H, D_out),
)
loss_fn = torch.nn.MSELoss(size_average=False)

# 使用Adam算法,需要提供模型的参数和learning rate
learning_rate = 1e-4
optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
for t in range(steps):
    y_pred = model(x)

    loss = loss_fn(y_pred, y)
    print(t, loss.item())

    # 梯度清零,原来调用的是model.zero_grad,现在调用的是optimizer的zero_grad
    optimizer.zero_grad()

    loss.backward()

    # 调用optimizer.step实现参数更新
    optimizer.step()


# 自定义nn模块
class TwoLayerNet(torch.nn.Module):
    def __init__(self, D_in, H, D_out):
        """ 在构造函数里,我们定义两个nn.Linear模块,把它们保存到self里。 """
        super(TwoLayerNet, self).__init__()
        self.linear1 = torch.nn.Linear(D_in, H)
        self.linear2 = torch.nn.Linear(H, D_out)

    def forward(self, x):
        """ 在forward函数里,我们需要根据网络结构来实现前向计算。 """
        h_relu = self.linear1(x).clamp(min=0)
        y_pred = self.linear2(h_relu)
        return y_pred


model = TwoLayerNet(D_in, H, D_out)

criterion = torch.nn.MSELoss(size_average=False)
optimizer = torch.optim.SGD(model.parameters(), lr=1e-4)
for t in range(steps):
    y_pred = model(x)

    loss = criterion(y_pred, y)
    print(t, loss.item())

    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


# 流程控制和参数共享
class DynamicNet(torch.nn.Module):
    def __init__(self, D_in, H, D_out):
        """ 构造3个nn.Linear实例。 """
        super(DynamicNet, self).__init__()
        self.input_linear = torch.nn.Linear(D_in, H)
        self.middle_linear = torch.nn.Linear(H, H)
        self.output_linear = torch.nn.Linear(H, D_out)

    def forward(self, x):
        # 输入和输出层是固定的,但是中间层的个数是随机的(0,1,2),并且中间层的参数是共享的。
        h_relu = self.input_linear(x).clamp(min=0)
        for _ in range(random.randint(0, 3)):
            h_relu = self.middle_linear(h_relu).clamp(min=0)
        y_pred = self.output_linear(h_relu)
        return y_pred


model = DynamicNet(D_in, H, D_out)

criterion = torch.nn.MSELoss(size_average=False)
optimizer = torch.optim.SGD(model.parameters(), lr=1e-4, momentum=0.9)
for t in range(steps):
    y_pred = model(x)

    loss = criterion(y_pred, y)
    print(t, loss.item())

    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
