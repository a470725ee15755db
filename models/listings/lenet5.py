# 000: LeNet-5 for MNIST (Keras 3). ✎ marks a line changed from the document.
import random

import matplotlib.pyplot as plt
import numpy as np
from keras.datasets import mnist
from keras.layers import AveragePooling2D, Conv2D, Dense, Flatten
from keras.models import Sequential  # ✎1 the document uses Sequential, Dense, SGD, np, plt without importing them
from keras.optimizers import SGD
from keras.utils import to_categorical

(X_train, Y_train), (X_test, Y_test) = mnist.load_data()
X_train = X_train.reshape(60000, 28, 28, 1) / 255.0
X_test = X_test.reshape(10000, 28, 28, 1) / 255.0

Y_train = to_categorical(Y_train, 10)
Y_test = to_categorical(Y_test, 10)

model = Sequential()
model.add(Conv2D(filters=6, kernel_size=(5, 5), strides=(1, 1), input_shape=(28, 28, 1), padding='valid',
                 activation='relu'))
model.add(AveragePooling2D(pool_size=(2, 2)))
model.add(Conv2D(filters=16, kernel_size=(5, 5), activation='relu'))  # ✎2 the 16 maps of 8×8 the text describes
model.add(AveragePooling2D(pool_size=(2, 2)))  # 16 maps of 4×4 (✎3 the text says 2×2)
model.add(Flatten())
model.add(Dense(units=120, activation='relu'))
model.add(Dense(units=84, activation='relu'))
model.add(Dense(units=10, activation='softmax'))

model.compile(loss='categorical_crossentropy', optimizer=SGD(learning_rate=0.05), metrics=['accuracy'])
model.fit(X_train, Y_train, epochs=500, batch_size=128)

index = random.randint(0, len(X_test) - 1)
sample_image = X_test[index]
true_label = np.argmax(Y_test[index])
predicted_label = np.argmax(model.predict(sample_image.reshape(1, 28, 28, 1)))

plt.imshow(sample_image.reshape(28, 28), cmap='gray')
plt.title(f'True Label: {true_label}, Predicted Label: {predicted_label}')
plt.axis('off')
plt.show()
